/** Fixtures for tests (the `@rosetta/reporter/testing` entry): schema-valid results files and model sources in a temporary workspace. */
export * from './fixtures.js';
