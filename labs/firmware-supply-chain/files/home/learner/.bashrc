# Kita-Minato City, River and Road Management Division — firmware staging account
export PATH=/usr/bin:/bin
export LANG=C.UTF-8
export TZ=JST-9
PS1='\u@fw-staging:\w\$ '
alias ll='ls -la'
