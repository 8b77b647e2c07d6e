#!/usr/bin/env node
// `cab-perf`: the built CLI with the `performance` command.
'use strict';
require('./run')('performance');
