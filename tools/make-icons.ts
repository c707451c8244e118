/**
 * Renders the app icon's source (assets/icon/hotpath-icon.svg) with Debian's Chromium (through playwright-core,
 * as the end-to-end tests do) into what electron-builder reads from assets/build (its buildResources):
 * icon.png (512 × 512, Linux and the window icon), icon.icns (macOS) and icon.ico (Windows), plus the renderer's
 * favicon. Run `npm run build:icons` after editing the SVG, and commit the results.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { icnsFromPngs, icoFromPngs, type SizedPng } from './icon-containers.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE = join(ROOT, 'assets/icon/hotpath-icon.svg');
const BUILD = join(ROOT, 'assets/build');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Each size is rendered from the vector source (no downscaling of one large image). */
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
const ICO_SIZES = new Set([16, 24, 32, 48, 64, 128, 256]);
const ICNS_SIZES = new Set([16, 32, 64, 128, 256, 512, 1024]);

async function render(svg: string): Promise<SizedPng[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const images: SizedPng[] = [];
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      await page.setContent(`<html><body style="margin:0"><img src="${src}" width="${size}" height="${size}"></body></html>`);
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      images.push({ size, png: await page.screenshot({ omitBackground: true }) });
      await page.close();
    }
    return images;
  } finally {
    await browser.close();
  }
}

const svg = await readFile(SOURCE, 'utf8');
const images = await render(svg);
const bySize = (size: number) => images.find((image) => image.size === size)!.png;
await mkdir(BUILD, { recursive: true });
await writeFile(join(BUILD, 'icon.png'), bySize(512));
await writeFile(join(BUILD, 'icon.ico'), icoFromPngs(images.filter((image) => ICO_SIZES.has(image.size))));
await writeFile(join(BUILD, 'icon.icns'), icnsFromPngs(images.filter((image) => ICNS_SIZES.has(image.size))));
await writeFile(join(ROOT, 'renderer/public/favicon.png'), bySize(64));
process.stdout.write(`Wrote assets/build/icon.{png,ico,icns} and renderer/public/favicon.png from ${SOURCE}.\n`);
