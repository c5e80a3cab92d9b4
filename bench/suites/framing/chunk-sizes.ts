/**
 * The FrameDecoder fed chunks of one size, as a socket would deliver them: 1 KiB (a slow or
 * congested link), 4 KiB, 16 KiB and 64 KiB (typical `'data'` events), 256 KiB and 1 MiB (a fast
 * local link with a large receive buffer). One strategy per size, registered by this file.
 *
 * The chunks are views of one stream buffer cut outside timing; a new decoder per iteration
 * (cheap) so each iteration starts at a frame boundary. Frames are collected, as a
 * connection hands them on.
 */
import { FrameDecoder } from '../../../src/protocol/frame-decoder.js';
import { canonicalFrames, framingStrategy, type FramingInput } from './framing-suite.js';

export const CHUNK_SIZES = [1024, 4 * 1024, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024] as const;

interface Prepared {
  chunks: Buffer[];
  frames: Buffer[];
}

function sizeLabel(size: number): string {
  return size >= 1 << 20 ? `${size >> 20}MiB` : `${size >> 10}KiB`;
}

for (const size of CHUNK_SIZES) {
  framingStrategy<Prepared, Buffer[]>({
    name: `chunks-${sizeLabel(size)}`,
    description: `FrameDecoder.push() of ${sizeLabel(size)} chunks; frames collected in an array`,
    prepare(input: FramingInput) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.stream.length; at += size) chunks.push(input.stream.subarray(at, at + size));
      return { chunks, frames: [] };
    },
    run(prepared) {
      const frames = prepared.frames;
      frames.length = 0;
      const decoder = new FrameDecoder({ onFrame: (frame) => frames.push(frame) });
      for (const chunk of prepared.chunks) decoder.push(chunk);
      return frames;
    },
    canonical: (frames) => canonicalFrames(frames),
  });
}
