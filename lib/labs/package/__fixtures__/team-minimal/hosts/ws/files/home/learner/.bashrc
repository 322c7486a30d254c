alias ll="ls -la"
