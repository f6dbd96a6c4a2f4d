/** Local user database (`username`). */
import type { CommandSpec } from '../types.js';

export const USER_COMMANDS: CommandSpec[] = [
  {
    id: 'users.username',
    modes: ['config'],
    no: true,
    syntax: 'username WORD$name [privilege <0-15>$privLevel] [< secret LINE$secretText | password LINE$passwordText | nopassword$nopassword >]',
    // `no username` needs the name (IOS: `% Incomplete command.`); anything after it is ignored.
    noSyntax: 'username WORD$name [privilege <0-15>$privLevel] [< secret LINE$secretText | password LINE$passwordText | nopassword$nopassword >]',
    help: {
      username: 'Establish User Name Authentication',
      name: 'User name',
      privilege: 'Set user privilege level',
      privLevel: 'User privilege level',
      secret: 'Specify the secret for the user',
      secretText: 'The UNENCRYPTED (cleartext) user secret',
      password: 'Specify the password for the user',
      passwordText: 'The UNENCRYPTED (cleartext) user password',
      nopassword: 'No password is required for the user to log in',
    },
  },
];
