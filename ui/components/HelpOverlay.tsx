// Full key reference, shown in place of the dashboard body while `?` is active.
import { Box, Text } from 'ink';

export function helpRows(mode: 'attach' | 'embedded'): Array<readonly [string, string]> {
  return [
    ['p', 'pause the selected symbol, or resume it if PAUSED (pausing cancels its order)'],
    ['P', 'pause all symbols (resume all if globally PAUSED)'],
    ['f', 'flatten the selected symbol (asks for y to confirm)'],
    ['F', 'flatten ALL symbols (asks for y to confirm)'],
    ['R', 'reset the loss limits and resume all (asks for y to confirm): releases a hit session/daily limit'],
    ['i', 'toggle inventory forcing (quote a reduce-only close while holding)'],
    ['l', 'flush stats to the log file now'],
    ['↑ ↓  j k', 'select a symbol'],
    ['?', 'show / hide this help'],
    ['q  Ctrl+C', mode === 'attach' ? 'detach (the core keeps trading)' : 'quit: stop the core, cancel orders, write final stats'],
  ];
}

export function HelpOverlay({ width, mode }: { width: number; mode: 'attach' | 'embedded' }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={Math.min(width, 90)}>
      <Text bold>Tier Hunter keys</Text>
      {helpRows(mode).map(([k, d]) => (
        <Text key={k} wrap="truncate-end">
          <Text bold color="cyan">
            {k.padEnd(10)}
          </Text>
          <Text>{d}</Text>
        </Text>
      ))}
      <Text dimColor>any key closes this help</Text>
    </Box>
  );
}
