/** Reads what the server holds through its staff API, as a reviewer would (for client specs). */
import axios from 'axios';

export async function staffSession(url: string, email: string, password: string) {
  const login = await axios.post(`${url}/api/v1/auth/login`, { email, password }, { proxy: false });
  const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const get = async <T>(path: string, responseType: 'json' | 'arraybuffer' = 'json') => (await axios.get<T>(`${url}${path}`, { headers: { cookie }, proxy: false, responseType })).data;
  return { get };
}
