#!/bin/bash
echo "Welcome to app01. Waiting for the environment..."
uptime
