#!/usr/bin/env node
// `cab-maintenance`: the built CLI with the `maintenance` command.
'use strict';
require('./run')('maintenance');
