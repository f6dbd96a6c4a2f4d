/**
 * The hardware/software persona: a Cisco 2811 running 12.4(24)T8 Advanced IP Services.
 * Compile date, ROM version and memory sizes are INFERRED (plausible for that image); the
 * line shapes follow ios-behaviour §6.7 and the parsers in clients.md §2.5.
 */
export const IMAGE = {
  version: '12.4(24)T8',
  file: 'flash:c2800nm-advipservicesk9-mz.124-24.T8.bin',
  banner: [
    'Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T8, RELEASE SOFTWARE (fc1)',
    'Technical Support: http://www.cisco.com/techsupport',
    'Copyright (c) 1986-2012 by Cisco Systems, Inc.',
    'Compiled Fri 13-Jul-12 02:51 by prod_rel_team',
  ],
  rom: 'ROM: System Bootstrap, Version 12.4(13r)T, RELEASE SOFTWARE (fc1)',
  model: '2811',
  memory: 'Cisco 2811 (revision 53.51) with 249856K/12288K bytes of memory.',
  nvramBytes: 196600,
  configRegister: '0x2102',
};

export const CRYPTO_NOTICE = [
  'This product contains cryptographic features and is subject to United',
  'States and local country laws governing import, export, transfer and',
  'use. Delivery of Cisco cryptographic products does not imply',
  'third-party authority to import, export, distribute or use encryption.',
  'Importers, exporters, distributors and users are responsible for',
  'compliance with U.S. and local country laws. By using this product you',
  'agree to comply with applicable laws and regulations. If you are unable',
  'to comply with U.S. and local laws, return this product immediately.',
  '',
  'A summary of U.S. laws governing Cisco cryptographic products may be found at:',
  'http://www.cisco.com/wwl/export/crypto/tool/stqrg.html',
  '',
  'If you require further assistance please contact us by sending email to',
  'export@cisco.com.',
];
