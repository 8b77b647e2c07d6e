#!/usr/bin/env node
// `cab-health`: the built CLI with the `health-monitor` command.
'use strict';
require('./run')('health-monitor');
