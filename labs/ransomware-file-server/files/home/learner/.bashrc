# fs01 file-service administration account
export PATH=/srv/fileserver/bin:/usr/bin:/bin
export LANG=C.UTF-8
PS1='\u@fs01:\w\$ '
alias ll='ls -la'
export TZ=JST-9
