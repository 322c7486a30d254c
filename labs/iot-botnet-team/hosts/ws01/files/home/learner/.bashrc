# ws01 — facilities management office PC
export PATH=/opt/ws/bin:/usr/bin:/bin
export LANG=C.UTF-8
export HISTTIMEFORMAT='%F %T  '
PS1='\u@ws01:\w\$ '
alias ll='ls -la'
