// The one way the CLI loads the terminal UI. React's development build records a performance.measure
// entry for every component render (React 19's performance tracks) and Node keeps every entry: a
// dashboard redrawing 10 times a second grew by ~4 MB/s without bound (GBs within minutes) and spent
// most of a core rendering. The shipped TUI therefore runs React's production build; NODE_ENV must be
// set before react / ink are first imported, hence this lazy loader. (Tests render the components
// directly and keep React's development checks.)
export async function loadTui(): Promise<typeof import('./main.js')> {
  process.env['NODE_ENV'] = 'production';
  return import('./main.js');
}
