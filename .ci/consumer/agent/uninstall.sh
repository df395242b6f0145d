#!/bin/sh
echo uninstalled
