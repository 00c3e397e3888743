import type { ProxyChange } from "../../bindings/ProxyChange";

/** The Network proxy window's fields; `password` is null until the user types one. */
export interface ProxyForm {
  url: string;
  username: string;
  password: string | null;
}

/**
 * What to save: an untouched password keeps the one in the keychain; without a user name no
 * password is kept.
 */
export function proxyChange(form: ProxyForm): ProxyChange {
  const username = form.username.trim();
  return {
    url: form.url.trim(),
    username,
    password: username === "" ? "" : form.password,
  };
}
