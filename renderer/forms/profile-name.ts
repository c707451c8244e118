/**
 * A name for a profile the user did not name: the database and host of its URL
 * ("hotpath on 127.0.0.1"), which is what tells two saved connections apart.
 */
export function suggestProfileName(pgUrl: string): string {
  const match = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)(?::\d+)?(?:\/([^?#]*))?/i.exec(pgUrl.trim());
  if (!match) return 'My database';
  const host = match[1]!;
  const database = decodeURIComponentSafe(match[2] ?? '');
  return database ? `${database} on ${host}` : host;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
