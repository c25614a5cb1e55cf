/**
 * Gzips a string with the browser's native CompressionStream (no JS deflate in the bundle).
 * The Blob keeps the `text/plain` type, which fetch sends as Content-Type.
 */
export function gzip(body: string): Promise<Blob> {
  return new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip')), {
    headers: { 'content-type': 'text/plain' },
  }).blob();
}
