import { api, ApiError, type SessionState } from '../api';
import { byTestId } from '../dom';

/** The login form (input `token`) and the logout button; `onIn`/`onOut` switch the page. */
export function wireLogin(onIn: (s: SessionState) => void, onOut: () => void): void {
  const form = byTestId<HTMLFormElement>('login');
  const error = byTestId('login-error');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = form.elements.namedItem('token') as HTMLInputElement;
    error.hidden = true;
    api
      .post<SessionState>('/api/session', { token: input.value })
      .then((s) => {
        input.value = '';
        onIn(s);
      })
      .catch((e: unknown) => {
        error.textContent = e instanceof ApiError ? (e.status === 429 ? 'Too many wrong tokens: wait a few minutes.' : 'Wrong token.') : String(e);
        error.hidden = false;
      });
  });
  byTestId('logout').addEventListener('click', () => {
    void api.del('/api/session').finally(onOut);
  });
}
