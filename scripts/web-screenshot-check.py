#!/usr/bin/python3
"""Checks a headless Chromium screenshot of PageLab's page (scripts/web-test.sh).

    web-screenshot-check.py BROWSER.png [DESKTOP.png]

The window must be drawn (not a blank or single-colour canvas), and when the desktop window's
screenshot of the same lesson and moment (pagelab-ui --screenshot --size 1280x800) is given:
- the lesson panel's heading, where the lesson's title is drawn (TITLE_BOX, in the 1280x800
  layout), must be the same picture: at most 2% of its pixels differ by more than 48/255 (the same
  lesson: 0.02%; another lesson's title: 15%);
- the whole window must be nearly the same: the same ImGui draw lists through another GL
  (swiftshader's WebGL 2 against Mesa); at most 3% of the pixels differ (0.9% measured: a
  scroll bar and a tab row a few pixels apart, anti-aliased edges).
Exit 1 otherwise.
"""
import sys

from PIL import Image, ImageChops


TITLE_BOX = (0, 80, 320, 200)  # the lesson panel's heading at 1280x800: the title, in bold


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
    title = ImageChops.difference(web.crop(TITLE_BOX), desk.crop(TITLE_BOX)).convert("L").histogram()
    title_share = sum(title[49:]) / ((TITLE_BOX[2] - TITLE_BOX[0]) * (TITLE_BOX[3] - TITLE_BOX[1]))
    print(f"screenshot: the lesson title's area: {title_share:.2%} of its pixels differ from the desktop's")
    if title_share > 0.02:
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
