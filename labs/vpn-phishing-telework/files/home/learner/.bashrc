# soc-ws01: security operations workstation, Information Policy Division (Kita-Minato City, fictional)
export PATH=/srv/vpn/bin:/usr/bin:/bin
export LANG=C.UTF-8
PS1='\u@soc-ws01:\w\$ '
alias ll='ls -la'
