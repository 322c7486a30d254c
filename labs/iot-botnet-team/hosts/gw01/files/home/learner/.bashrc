# gw01 administration account
export PATH=/srv/gateway/bin:/usr/bin:/bin
export LANG=C.UTF-8
PS1='\u@gw01:\w\$ '
alias ll='ls -la'
