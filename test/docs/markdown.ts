/**
 * The fenced code blocks and the links of the project's Markdown pages (README.md and docs/*.md),
 * read the way the documentation tests need them. The conventions are documented in the README,
 * "Development" → "Documentation".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One fenced block: where it is, its language, its flags and its text (without the fences). */
export interface CodeBlock {
  /** The page, relative to the repository root (`docs/client.md`). */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The first word of the info string, lower-cased; '' when the fence has none. */
  language: string;
  /** `no-run`: shown, type-checked when TypeScript, never run. */
  noRun: boolean;
  /** `file=PATH`: the block is a copy of (part of) that repository file. */
  file: string | undefined;
  /** Info-string words that are not a known flag (a typo must not silently disable a block). */
  unknownFlags: string[];
  text: string;
}

/** README.md, then docs/*.md in name order, relative to `root`. */
export function documentationPages(root: string): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Every fenced block of one page. An unclosed fence runs to the end of the page, as in CommonMark. */
export function codeBlocks(root: string, page: string): CodeBlock[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[1]!;
    const words = open[2]!.trim().split(/\s+/).filter((word) => word !== '');
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close !== null && close[1]![0] === fence[0] && close[1]!.length >= fence.length && close[2]!.trim() === '') break;
      body.push(lines[j]!);
    }
    const flags = words.slice(1);
    blocks.push({
      page,
      line: i + 1,
      language: (words[0] ?? '').toLowerCase(),
      noRun: flags.includes('no-run'),
      file: flags.find((flag) => flag.startsWith('file='))?.slice('file='.length),
      unknownFlags: flags.filter((flag) => flag !== 'no-run' && !flag.startsWith('file=')),
      text: body.join('\n') + '\n',
    });
    i = j;
  }
  return blocks;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code blocks), with GitHub's `-1`, `-2` for repeats. */
export function pageAnchors(root: string, page: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of readFileSync(join(root, page), 'utf8').split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const anchor = headingAnchor(heading[1]!);
    let unique = anchor;
    for (let n = 1; anchors.has(unique); n++) unique = `${anchor}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

/** A relative link that leads nowhere: the page it is on, the target and why. */
export interface BrokenLink {
  page: string;
  target: string;
  reason: string;
}

/** Relative links (files and `#anchors`) of every page that do not resolve. */
export function brokenLinks(root: string, pages: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const page of pages) {
    // Code blocks and inline code may show link-like text that is not a link.
    const text = readFileSync(join(root, page), 'utf8')
      .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1\s*$/gm, '')
      .replace(/`[^`\n]*`/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path = '', anchor] = target.split('#', 2);
      const file = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (relative(root, join(root, file)).startsWith('..')) {
        broken.push({ page, target, reason: 'leaves the repository' });
      } else if (!existsSync(join(root, file))) {
        broken.push({ page, target, reason: `${file} does not exist` });
      } else if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && !pageAnchors(root, file).has(anchor)) {
        broken.push({ page, target, reason: `${file} has no heading #${anchor}` });
      }
    }
  }
  return broken;
}
