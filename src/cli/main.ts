#!/usr/bin/env node
// The `corskit` bin.
import { main } from './program.js';

await main(process.argv);
