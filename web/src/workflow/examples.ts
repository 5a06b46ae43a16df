// The repository's examples (examples/*.yaml, *.json), bundled at build time so the submit
// panel can offer them. Keyed by file name.
const files = import.meta.glob('../../../examples/*.{yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export interface Example {
  name: string;
  text: string;
}

export const examples: Example[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.split('/').pop() ?? path, text }))
  .sort((a, b) => a.name.localeCompare(b.name));
