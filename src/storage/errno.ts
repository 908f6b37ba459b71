// The short name of a failed file operation for a one-line error: the errno code (ENOENT,
// EISDIR...) when there is one, since the message around it already names the file.
export const errnoOf = (e: unknown): string =>
  (e as NodeJS.ErrnoException).code ?? (e as Error).message;
