/**
 * The registry of suites, strategies and datasets. Each suite, strategy or dataset file calls
 * one of the `register*` functions at module load, so adding one is adding a file: the
 * loader (harness/loader.ts) imports every file under `bench/suites` and `bench/datasets`.
 */
import type { Dataset, Strategy, Suite } from './types.js';

export class Registry {
  readonly suites = new Map<string, Suite>();
  readonly strategies: Strategy[] = [];
  readonly datasets = new Map<string, Dataset>();

  addSuite<Input>(suite: Suite<Input>): Suite<Input> {
    const existing = this.suites.get(suite.name);
    if (existing !== undefined && existing !== suite) throw new Error(`suite ${suite.name} is registered twice`);
    this.suites.set(suite.name, suite as Suite);
    return suite;
  }

  addStrategy<Input, Prepared, Output>(strategy: Strategy<Input, Prepared, Output>): Strategy<Input, Prepared, Output> {
    if (this.strategies.some((s) => s.suite === strategy.suite && s.name === strategy.name && s !== strategy)) {
      throw new Error(`strategy ${strategy.suite}/${strategy.name} is registered twice`);
    }
    if (!this.strategies.includes(strategy as Strategy)) this.strategies.push(strategy as Strategy);
    return strategy;
  }

  addDataset(dataset: Dataset): Dataset {
    const existing = this.datasets.get(dataset.name);
    if (existing !== undefined && existing !== dataset) throw new Error(`dataset ${dataset.name} is registered twice`);
    this.datasets.set(dataset.name, dataset);
    return dataset;
  }

  strategiesOf(suite: string): Strategy[] {
    return this.strategies.filter((s) => s.suite === suite);
  }

  /** A copy to which a test can add strategies without touching the shared registry. */
  clone(): Registry {
    const copy = new Registry();
    for (const suite of this.suites.values()) copy.addSuite(suite);
    for (const strategy of this.strategies) copy.addStrategy(strategy);
    for (const dataset of this.datasets.values()) copy.addDataset(dataset);
    return copy;
  }
}

/** The shared registry the suite, strategy and dataset files register into. */
export const registry = new Registry();

export function registerSuite<Input>(suite: Suite<Input>): Suite<Input> {
  return registry.addSuite(suite);
}

export function registerStrategy<Input, Prepared, Output>(
  strategy: Strategy<Input, Prepared, Output>,
): Strategy<Input, Prepared, Output> {
  return registry.addStrategy(strategy);
}

export function registerDataset(dataset: Dataset): Dataset {
  return registry.addDataset(dataset);
}
