/**
 * The TypeScript blocks of the docs (README.md, docs/*.md): every ```ts / ```typescript fence, with the line it
 * starts on. A block preceded by `<!-- not-checked: reason -->` is deliberately partial and is not type-checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '../..');

export interface CodeBlock {
  /** Path relative to the repository root, e.g. `README.md`. */
  file: string;
  /** 1-based line of the opening fence; the block's first code line is `line + 1`. */
  line: number;
  code: string;
  /** The reason given by a preceding `<!-- not-checked: reason -->`, if any. */
  notChecked?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const NOT_CHECKED = /^\s*<!--\s*not-checked:\s*(.*?)\s*-->\s*$/;

/** The Markdown files whose TypeScript blocks are checked. */
export function documentationFiles(): string[] {
  const docs = join(REPO_ROOT, 'docs');
  const extra = existsSync(docs) ? readdirSync(docs).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`) : [];
  return ['README.md', ...extra];
}

export function typeScriptBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const start = index;
    const body: string[] = [];
    const closes = (line: string): boolean => {
      const trimmed = line.trim();
      return trimmed.length >= fence!.length && trimmed === fence!.charAt(0).repeat(trimmed.length);
    };
    for (index++; index < lines.length && !closes(lines[index]!); index++) {
      // List items indent their fences and bodies alike: take the fence's indentation off each line.
      body.push(lines[index]!.startsWith(indent!) ? lines[index]!.slice(indent!.length) : lines[index]!);
    }
    if (language !== 'ts' && language !== 'typescript') continue;
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const marker = previous >= 0 ? NOT_CHECKED.exec(lines[previous]!) : null;
    blocks.push({ file, line: start + 1, code: body.join('\n'), ...(marker ? { notChecked: marker[1] } : {}) });
  }
  return blocks;
}

export function allTypeScriptBlocks(): CodeBlock[] {
  return documentationFiles().flatMap(typeScriptBlocks);
}
