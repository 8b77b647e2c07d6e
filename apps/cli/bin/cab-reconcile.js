#!/usr/bin/env node
// `cab-reconcile`: the built CLI with the `reconcile` command.
'use strict';
require('./run')('reconcile');
