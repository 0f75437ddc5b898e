/** Float samples in [-1, 1] -> 16-bit little-endian PCM as base64: how microphone audio crosses the IPC contract. */
export function pcm16Base64(samples: Float32Array): string {
  const ints = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) ints[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767)));
  const bytes = new Uint8Array(ints.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
