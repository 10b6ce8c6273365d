// Lines of a text input, gzip or plain (by its magic bytes), streamed.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { isGzipFile } from '../reader.js';

export async function* readLines(path: string): AsyncGenerator<string> {
  const file = createReadStream(path, { highWaterMark: 1 << 18 });
  const input = (await isGzipFile(path)) ? file.pipe(createGunzip({ chunkSize: 1 << 18 })) : file;
  file.on('error', (e) => input.destroy(e));
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    file.destroy();
  }
}
