#!/usr/bin/env node
// `cab`: the built CLI.
'use strict';
require('./run')();
