/** Raw tus 1.0 requests (creation, PATCH), so specs can send exactly what an attacker would. */
import { createHash } from 'node:crypto';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function uploadMetadata(meta: Record<string, string>): string {
  return Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
}

export async function tusCreate(base: string, token: string | null, length: number, meta: Record<string, string>) {
  const res = await fetch(`${base}/api/v1/sync/evidence`, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': uploadMetadata(meta), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

export async function tusPatch(url: string, token: string | null, offset: number, bytes: Buffer) {
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, offset: res.headers.get('upload-offset'), body: await res.text() };
}
