/**
 * The icon containers electron-builder wants beside icon.png, written from PNG images (both formats embed PNG
 * as is, so no image library is needed): icon.ico for Windows, icon.icns for macOS.
 */

export interface SizedPng {
  /** Width and height in pixels (the icons are square). */
  size: number;
  png: Buffer;
}

/**
 * ICO: a 6-byte header, one 16-byte entry per image (a width or height of 256 is written as 0), then the images.
 * PNG-compressed entries are read by Windows Vista and later.
 */
export function icoFromPngs(images: readonly SizedPng[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    if (size > 256) throw new Error(`An ICO image is at most 256 pixels wide, got ${size}.`);
    const entry = 6 + 16 * i;
    header.writeUInt8(size === 256 ? 0 : size, entry);
    header.writeUInt8(size === 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3); // reserved
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

/** ICNS element types holding PNG data, by pixel size (the @2x types of macOS's Retina sizes included). */
const ICNS_TYPES: Record<number, readonly string[]> = {
  16: ['icp4'],
  32: ['icp5', 'ic11'],
  64: ['icp6', 'ic12'],
  128: ['ic07'],
  256: ['ic08', 'ic13'],
  512: ['ic09', 'ic14'],
  1024: ['ic10'],
};

/** ICNS: the magic `icns` and the file length, then elements of a 4-character type, their length and the PNG. */
export function icnsFromPngs(images: readonly SizedPng[]): Buffer {
  const elements = images.flatMap(({ size, png }) => {
    const types = ICNS_TYPES[size];
    if (!types) throw new Error(`ICNS has no PNG element for ${size} pixels (it has ${Object.keys(ICNS_TYPES).join(', ')}).`);
    return types.map((type) => {
      const head = Buffer.alloc(8);
      head.write(type, 0, 'ascii');
      head.writeUInt32BE(8 + png.length, 4);
      return Buffer.concat([head, png]);
    });
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + elements.reduce((sum, element) => sum + element.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

/** A PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('ascii') !== 'PNG' || png.subarray(12, 16).toString('ascii') !== 'IHDR') {
    throw new Error('Not a PNG image.');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
