#!/bin/bash
grep -q 'backup' /opt/app/crontab && ! grep -q 'miner' /opt/app/crontab
