/** A piscina entry that fails the way a crashed decode worker would: it throws, not { code, message }. */
export default function failingWorker(): never {
  throw new Error('worker blew up');
}
