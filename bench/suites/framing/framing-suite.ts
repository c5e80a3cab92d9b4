/**
 * The framing suite: a byte stream of response frames, cut into socket-sized chunks, through
 * the FrameDecoder. The stream is the dataset's frames repeated up to the profile's size
 * (64 KiB tiny, 1 MiB quick, 4 MiB full), so small-frame datasets give thousands of frames
 * and a large frame spans many chunks. Work is the stream's bytes.
 *
 * Correct output is every frame, in order, byte for byte: checked as the frame count, the
 * list of lengths and a SHA-256 over the frames' bytes.
 */
import { createHash } from 'node:crypto';
import { registerStrategy, registerSuite } from '../../harness/registry.js';
import type { Profile, Strategy } from '../../harness/types.js';

export interface FramingInput {
  stream: Buffer;
  frameCount: number;
  /** The frames in stream order (views into `stream`), for the reference. */
  frames: Buffer[];
}

export interface FramingCanonical {
  frames: number;
  lengths: string;
  sha256: string;
}

export const STREAM_BYTES: Record<Profile, number> = { tiny: 64 * 1024, quick: 1 << 20, full: 4 << 20 };

/** The canonical form of a list of frames. */
export function canonicalFrames(frames: readonly Uint8Array[]): FramingCanonical {
  const lengths = createHash('sha256');
  const bytes = createHash('sha256');
  for (const frame of frames) {
    lengths.update(`${frame.length},`);
    bytes.update(frame);
  }
  return { frames: frames.length, lengths: lengths.digest('hex'), sha256: bytes.digest('hex') };
}

export const framingSuite = registerSuite<FramingInput>({
  name: 'framing',
  description: 'A stream of response frames cut into chunks of 1 KiB to 1 MiB, through FrameDecoder.push(). MB/s of stream bytes.',
  metric: 'MB/s',
  input(data, _dataset, context) {
    const responses = data.responses;
    if (responses === undefined || responses.length === 0) return undefined;
    const oneRound = responses.reduce((sum, f) => sum + f.length, 0);
    const rounds = Math.max(1, Math.ceil(STREAM_BYTES[context.profile] / oneRound));
    const stream = Buffer.concat(Array.from({ length: rounds }, () => responses).flat());
    const frames: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const end = at + 4 + stream.readInt32BE(at);
      frames.push(stream.subarray(at, end));
      at = end;
    }
    return { stream, frameCount: frames.length, frames };
  },
  work: (input) => ({ bytes: input.stream.length }),
  reference: (input) => canonicalFrames(input.frames),
});

export function framingStrategy<Prepared, Output>(
  strategy: Omit<Strategy<FramingInput, Prepared, Output>, 'suite'>,
): Strategy<FramingInput, Prepared, Output> {
  return registerStrategy({ ...strategy, suite: framingSuite.name });
}
