// One terminal line built from styled segments. Lines never wrap (they truncate), so the layout keeps
// the same height whatever the numbers do — nothing jumps between frames.
import { Text } from 'ink';
import type { Colour } from '../theme.js';

export interface Seg {
  text: string;
  color?: Colour | undefined;
  bg?: Colour | undefined;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export function SegText({ seg }: { seg: Seg }) {
  return (
    <Text
      {...(seg.color ? { color: seg.color } : {})}
      {...(seg.bg ? { backgroundColor: seg.bg } : {})}
      {...(seg.bold ? { bold: true } : {})}
      {...(seg.dim ? { dimColor: true } : {})}
      {...(seg.inverse ? { inverse: true } : {})}
    >
      {seg.text}
    </Text>
  );
}

export function Line({ segs }: { segs: readonly Seg[] }) {
  return (
    <Text wrap="truncate-end">
      {segs.length === 0 ? ' ' : segs.map((s, i) => <SegText key={i} seg={s} />)}
    </Text>
  );
}

/** A dim horizontal rule with an optional title: "── fills ─────". */
export function Rule({ width, title }: { width: number; title?: string }) {
  const head = title ? `── ${title} ` : '';
  return <Line segs={[{ text: head + '─'.repeat(Math.max(0, width - head.length)), dim: true }]} />;
}
