// Loads every dialect parser so it registers itself with core/parse/index.ts (registerParser).
// JSON is built in; the Python, YAML and shell dialects add their imports here as they land.
export {};
