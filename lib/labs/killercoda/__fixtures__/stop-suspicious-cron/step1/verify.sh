#!/bin/bash
! pgrep -x kworkerds >/dev/null
