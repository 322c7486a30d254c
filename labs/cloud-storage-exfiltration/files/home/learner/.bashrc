# csirt-ws02: CSIRT workstation, Kita-Minato Gas Co. (fictional)
export PATH=/srv/storage/bin:/usr/bin:/bin
export LANG=C.UTF-8
PS1='\u@csirt-ws02:\w\$ '
alias ll='ls -la'
