import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { probeImageDataUrl } from "./probe-image";

describe("probe image", () => {
  it("is a valid RGB PNG with a red centre on white", () => {
    const url = probeImageDataUrl(16);
    expect(url.startsWith("data:image/png;base64,")).toBe(true);
    const png = Buffer.from(url.slice("data:image/png;base64,".length), "base64");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([16, 16, 8, 2]);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString("ascii")).toBe("IDAT");
    const pixels = inflateSync(png.subarray(41, 41 + idatLength));
    const stride = 1 + 16 * 3;
    expect(pixels.length).toBe(16 * stride);
    const at = (x: number, y: number) => [...pixels.subarray(y * stride + 1 + x * 3, y * stride + 4 + x * 3)];
    expect(at(0, 0)).toEqual([255, 255, 255]);
    expect(at(8, 8)).toEqual([220, 20, 20]);
    expect(png.subarray(-8, -4).toString("ascii")).toBe("IEND");
  });
});
