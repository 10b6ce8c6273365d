// Imported FIRST by tests that assert colours: chalk (inside Ink) reads FORCE_COLOR once, at import.
process.env['FORCE_COLOR'] = '1';
export {};
