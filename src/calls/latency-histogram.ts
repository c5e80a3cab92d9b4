/**
 * The latency histogram of the client's statistics and of the load tester: an HdrHistogram
 * (hdr-histogram-js) of microseconds, three significant digits (a percentile is exact to 0.1 %).
 *
 * It is the library's WebAssembly histogram where WebAssembly is available: the JavaScript one
 * finds each value's bucket with `Math.pow` and `Math.log2`, about 230 ns a value on a 2-core
 * server, the WebAssembly one in 30–50 ns, and a call of `voltwire bench` records its latency
 * three times (client statistics, the interval, the measured window). The module is compiled
 * once, when the first histogram is made. Every histogram of this file is of the same kind,
 * since the library adds WebAssembly histograms only to each other.
 *
 * A WebAssembly histogram lives outside the JavaScript heap: `destroy()` frees it, and one made
 * with an owner is freed when that owner is garbage-collected.
 */
import * as hdr from 'hdr-histogram-js';

let webAssembly: boolean | undefined;

function useWebAssembly(): boolean {
  if (webAssembly === undefined) {
    try {
      hdr.initWebAssemblySync();
      webAssembly = true;
    } catch {
      // No WebAssembly (e.g. `node --jitless`): the JavaScript histogram gives the same figures.
      webAssembly = false;
    }
  }
  return webAssembly;
}

const freeWithOwner = new FinalizationRegistry<hdr.Histogram>((histogram) => histogram.destroy());

/**
 * An empty latency histogram (µs, 1 µs to one hour, grows beyond). With `owner`, its memory is
 * freed when `owner` is collected; without, the caller calls `destroy()`.
 */
export function newLatencyHistogram(owner?: object): hdr.Histogram {
  const histogram = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000, // one hour in µs
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    useWebAssembly: useWebAssembly(),
  });
  if (owner !== undefined) freeWithOwner.register(owner, histogram);
  return histogram;
}

/**
 * A histogram from HdrHistogram's compressed base64 form, of the kind {@link newLatencyHistogram}
 * makes (so the two add up). The caller calls `destroy()`. Throws what the library throws on
 * bytes that are not such a histogram.
 */
export function decodeLatencyHistogram(base64: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(base64, 32, useWebAssembly());
}
