/**
 * Every fenced code block of README.md and docs/*.md, checked as a reader would use it:
 * TypeScript blocks type-checked against the built package, then TypeScript and JavaScript blocks
 * run as ES modules in child processes, shell blocks of `voltwire` commands run through the built
 * command — all against an embedded server this test starts. The conventions (languages, `no-run`,
 * `file=`, the port 21212) are documented in the README, "Development" → "Documentation".
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { startServer, type EmbeddedServer } from '../../src/server/index.js';
import { brokenLinks, codeBlocks, documentationPages, type CodeBlock } from './markdown.js';

/** The repository root (this file runs as dist/test/docs/code-blocks.test.js). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Inside the package, so that `import … from 'voltwire'` resolves to this build by name. */
const WORK = join(ROOT, 'dist', 'doc-blocks');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** A block that has not exited by then is a failure (a forgotten `close()` keeps a process alive). */
const BLOCK_TIMEOUT_MS = 90_000;

const TYPESCRIPT = new Set(['ts', 'typescript']);
const JAVASCRIPT = new Set(['js', 'javascript', 'mjs']);
const SHELL = new Set(['sh', 'bash', 'shell']);

const pages = documentationPages(ROOT);
const blocks = pages.flatMap((page) => codeBlocks(ROOT, page));

function where(block: CodeBlock): string {
  return `${block.page}:${block.line}`;
}

/** The shell block's commands: continuation lines joined, comments and blank lines dropped. */
function shellCommands(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function runs(block: CodeBlock): boolean {
  if (block.noRun || block.file !== undefined) return false;
  return TYPESCRIPT.has(block.language) || JAVASCRIPT.has(block.language) || SHELL.has(block.language);
}

/** A file name for the block, unique and recognisable: `docs-client-md-L55`. */
function blockName(block: CodeBlock): string {
  return `${block.page.replace(/[^a-z0-9]+/gi, '-')}-L${block.line}`;
}

test('README and docs: every code block says what it is', (t: TestContext) => {
  t.assert.ok(blocks.length > 0, 'no code blocks found');
  const problems: string[] = [];
  for (const block of blocks) {
    if (block.language === '') problems.push(`${where(block)}: a fence without a language (use \`text\` for output and formats)`);
    if (block.unknownFlags.length > 0) problems.push(`${where(block)}: unknown fence flags ${block.unknownFlags.join(' ')} (known: no-run, file=PATH)`);
    if (block.file !== undefined) {
      let content: string | undefined;
      try {
        content = readFileSync(join(ROOT, block.file), 'utf8');
      } catch {
        problems.push(`${where(block)}: file=${block.file} does not exist`);
      }
      if (content !== undefined && !content.includes(block.text)) {
        problems.push(`${where(block)}: the block is no longer a verbatim copy of ${block.file}: copy the file's code again`);
      }
    }
    if (SHELL.has(block.language) && runs(block)) {
      for (const command of shellCommands(block.text)) {
        if (!/^voltwire(\s|$)/.test(command)) {
          problems.push(`${where(block)}: "${command}" is not a voltwire command: only those run here (mark the block \`sh no-run\` if it cannot run in a test)`);
        }
      }
    }
  }
  t.assert.deepStrictEqual(problems, []);
});

test('README and docs: every relative link and #anchor leads somewhere', (t: TestContext) => {
  t.assert.deepStrictEqual(
    brokenLinks(ROOT, pages).map((link) => `${link.page}: (${link.target}) ${link.reason}`),
    [],
  );
});

test('README and docs: TypeScript blocks type-check against the built package', (t: TestContext) => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const files = new Map<string, CodeBlock>();
  for (const block of blocks) {
    if (!TYPESCRIPT.has(block.language) || block.file !== undefined) continue;
    const file = join(WORK, `${blockName(block)}.ts`);
    // Each block is a module of its own (top-level await, no shared globals).
    writeFileSync(file, `${block.text}export {};\n`);
    files.set(file, block);
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  t.assert.ok(config !== undefined);
  // Without outDir, `voltwire` resolves to the built declarations (what a user installs), not back
  // to the sources, which the build has checked already.
  const options = { ...config.options, noEmit: true, outDir: undefined, rootDir: undefined, declaration: false, sourceMap: false };
  const program = ts.createProgram([...files.keys()], options);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const block = files.get(diagnostic.file!.fileName)!;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${block.page}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
  t.assert.deepStrictEqual(problems, []);
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

/** The block as a program: the port 21212 becomes the test server's; TypeScript is transpiled. */
function prepare(block: CodeBlock, port: number): { command: string; args: string[] } {
  const text = block.text.replaceAll('21212', String(port));
  if (SHELL.has(block.language)) {
    const prelude = 'set -eu\nvoltwire() { "$VOLTWIRE_NODE" "$VOLTWIRE_CLI" "$@"; }\n';
    return { command: 'bash', args: ['-c', prelude + text] };
  }
  const file = join(WORK, `${blockName(block)}.mjs`);
  const source = TYPESCRIPT.has(block.language)
    ? ts.transpileModule(text, {
        fileName: `${blockName(block)}.ts`,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
      }).outputText
    : text;
  writeFileSync(file, source);
  return { command: process.execPath, args: [file] };
}

test('README and docs: every block that runs, runs and exits (against an embedded server)', { concurrency: 2 }, async (t: TestContext) => {
  mkdirSync(WORK, { recursive: true });
  const server: EmbeddedServer = await startServer();
  t.after(() => server.close());
  // The blocks are checks of the documentation, not of coverage: their processes skip its cost.
  const { NODE_V8_COVERAGE: _coverage, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    VOLTWIRE_SERVERS: `127.0.0.1:${server.port}`,
    VOLTWIRE_NODE: process.execPath,
    VOLTWIRE_CLI: CLI,
  };
  const pagesWithBlocks = pages.filter((page) => blocks.some((block) => block.page === page && runs(block)));
  await Promise.all(
    pagesWithBlocks.map((page) =>
      // One working directory per page: a later block may read what an earlier one wrote
      // (the wire dump of docs/client.md), and files never land in the repository.
      t.test(page, async (pt: TestContext) => {
        const cwd = mkdtempSync(join(tmpdir(), 'voltwire-doc-'));
        pt.after(() => rmSync(cwd, { recursive: true, force: true }));
        const failures: string[] = [];
        for (const block of blocks.filter((b) => b.page === page && runs(b))) {
          const { command, args } = prepare(block, server.port);
          const outcome = await run(command, args, cwd, env);
          if (outcome.timedOut || outcome.code !== 0) {
            const how = outcome.timedOut ? `did not exit within ${BLOCK_TIMEOUT_MS / 1000} s` : `exited with ${outcome.code ?? outcome.signal}`;
            failures.push(`${where(block)} (${block.language}) ${how}:\n${outcome.output}`);
          }
        }
        pt.assert.deepStrictEqual(failures, []);
      }),
    ),
  );
});
