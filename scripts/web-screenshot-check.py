#!/usr/bin/python3
"""Checks a headless Chromium screenshot of PageLab's page (scripts/web-test.sh).

    web-screenshot-check.py BROWSER.png [DESKTOP.png]

The window must be drawn (not a blank or single-colour canvas), and when the desktop window's
screenshot of the same lesson and moment (pagelab-ui --screenshot --size WxH) is given, the two
must show the same picture: the same ImGui draw lists through a different GL (swiftshader's
WebGL 2 against Mesa), so only a few anti-aliased edge pixels may differ. Exit 1 otherwise.
"""
import sys

from PIL import Image, ImageChops


def main() -> int:
    web = Image.open(sys.argv[1]).convert("RGB")
    colours = len(web.getcolors(1 << 24) or [])
    print(f"screenshot: {web.width}x{web.height}, {colours} distinct colours")
    if colours < 50:
        print("screenshot: the canvas is blank (fewer than 50 colours)")
        return 1
    if len(sys.argv) < 3:
        return 0
    desk = Image.open(sys.argv[2]).convert("RGB")
    if desk.size != web.size:
        print(f"screenshot: the desktop's is {desk.width}x{desk.height}, the browser's {web.width}x{web.height}")
        return 1
    diff = ImageChops.difference(web, desk).convert("L").point(lambda v: 255 if v > 48 else 0)
    differing = sum(1 for v in diff.getdata() if v)
    share = differing / (web.width * web.height)
    print(f"screenshot: {differing} pixels ({share:.2%}) differ from the desktop window's by more than 48/255")
    if share > 0.03:
        diff.save(sys.argv[1].replace(".png", "-diff.png"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
