/**
 * Client errors name the endpoint they failed on ("connect ECONNREFUSED 10.0.0.7:6379", "http://minio:9000/…").
 * Failure messages go into workflow history, where no target address belongs: this blanks them, best effort.
 */
export function redactAddresses(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>)]+/gi, '<url>')
    .replace(/\b(ENOTFOUND|EAI_AGAIN)\s+\S+/g, '$1 <host>')
    .replace(/\[[0-9a-f:.]+\](:\d+)?/gi, '<address>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(:\d+)?\b/g, '<address>')
    .replace(/\blocalhost:\d+\b/g, '<address>');
}
