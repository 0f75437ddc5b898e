/** Reads what the server holds through its staff API, as a reviewer or invigilator would (for client specs). */
import axios from 'axios';

export async function staffSession(url: string, email: string, password: string) {
  const login = await axios.post<{ csrfToken: string }>(`${url}/api/v1/auth/login`, { email, password }, { proxy: false });
  // The CSRF cookie and the session cookie both come back with the sign-in; writes send the token as a header.
  const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const get = async <T>(path: string, responseType: 'json' | 'arraybuffer' = 'json') => (await axios.get<T>(`${url}${path}`, { headers: { cookie }, proxy: false, responseType })).data;
  const post = async <T>(path: string, body: unknown) => (await axios.post<T>(`${url}${path}`, body, { headers: { cookie, 'x-csrf-token': login.data.csrfToken }, proxy: false })).data;
  return { get, post };
}
