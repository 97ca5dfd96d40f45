# shellcheck shell=bash
# One run at a time, with a lock no other user can take: the lock file is
# root's alone (0600). One that others could open (an older 0644 one) is
# replaced first, so a lock another user holds on it stops nobody.

# lock_open FD FILE: FILE open for writing on file descriptor FD; the
# caller then runs flock on FD.
lock_open() {
    local fd=$1 file=$2 old
    if [[ -e "$file" ]] &&
       [[ "$(stat -c '%u %a' -- "$file")" != "$(id -u) 600" ]]; then
        rm -f -- "$file"
    fi
    old=$(umask)
    umask 077
    eval "exec $fd>\"\$file\""
    umask "$old"
}
