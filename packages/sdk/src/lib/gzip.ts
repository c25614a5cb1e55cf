/**
 * Gzips a string with the browser's native CompressionStream (no JS deflate in the bundle).
 * The Blob has no type: the caller sends `Content-Type` as a header, which is shorter in the
 * bundle than typing the Blob here.
 */
export function gzip(body: string): Promise<Blob> {
  return new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'))).blob();
}
