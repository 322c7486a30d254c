#!/bin/bash
# Harmless stand-in for a cryptominer: spins gently, touches nothing.
while :; do sleep 0.5; done
