#!/usr/bin/env node
// `cab-smoke`: the built CLI with the `smoke` command.
'use strict';
require('./run')('smoke');
