/**
 * Emoji names an award may use (GitLab validates against its full emoji list).
 * gitlab-compat: a built-in list of common names, not GitLab's complete set, and no custom emoji.
 */
export const EMOJI_NAMES: ReadonlySet<string> = new Set(
  `thumbsup thumbsdown +1 -1 smile smiley grinning grin joy laughing wink blush heart_eyes kissing_heart
  sweat_smile rofl slight_smile upside_down relaxed yum sunglasses nerd thinking neutral_face expressionless
  unamused rolling_eyes grimacing confused worried frowning cry sob angry rage scream fearful flushed
  sleeping sleepy mask zipper_mouth innocent smirk disappointed relieved open_mouth hushed astonished
  heart broken_heart yellow_heart green_heart blue_heart purple_heart black_heart orange_heart sparkling_heart
  tada confetti_ball rocket eyes 100 fire star star2 sparkles zap boom collision clap wave raised_hands
  pray muscle ok_hand point_up point_down point_left point_right v metal call_me handshake
  white_check_mark heavy_check_mark x negative_squared_cross_mark warning no_entry stop_sign question
  exclamation grey_question bulb memo pencil pencil2 book books bookmark lock unlock key hammer wrench
  gear tools bug ant beetle coffee tea beer beers cake birthday gift trophy medal checkered_flag
  triangular_flag_on_post construction rotating_light hourglass watch alarm_clock calendar date
  chart_with_upwards_trend chart_with_downwards_trend bar_chart clipboard pushpin paperclip link
  mag mag_right speech_balloon thought_balloon skull ghost alien robot poop hankey see_no_evil
  hear_no_evil speak_no_evil dog cat mouse fox_face bear panda_face koala tiger lion_face cow pig frog
  monkey_face chicken penguin bird unicorn dragon turtle snake octopus whale dolphin fish lizard crab
  sunny cloud umbrella snowflake rainbow ocean earth_americas globe_with_meridians moon apple banana
  pizza hamburger fries popcorn doughnut cookie wine_glass cocktail champagne ship airplane car
  red_car bike anchor house office hospital computer keyboard desktop iphone telephone email
  envelope package inbox_tray outbox_tray recycle arrow_up arrow_down arrow_left arrow_right
  arrows_counterclockwise repeat one two three four five six seven eight nine keycap_ten zero
  red_circle large_blue_circle white_circle black_circle heavy_plus_sign heavy_minus_sign
  heavy_multiplication_x heavy_division_sign hourglass_flowing_sand shipit ok cool new free up sos
  facepalm shrug man_shrugging woman_shrugging man_facepalming woman_facepalming slight_frown
  partying_face hugging star_struck exploding_head cowboy clown lying_face drooling_face nauseated_face
  sneezing_face money_mouth thermometer_face head_bandage`
    .split(/\s+/)
    .filter(Boolean),
);

export const THUMBS_UP = 'thumbsup';
export const THUMBS_DOWN = 'thumbsdown';
